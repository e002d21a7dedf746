package io.miaobu.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SliceRule;
import java.util.List;
import java.util.Optional;

/**
 * The architecture as ArchUnit rules over classes placed in modules by {@link ModuleOfClass}: the real
 * build's (ArchitectureTest) or a test's made-up placement that must break a rule (ArchitectureRulesTest).
 */
final class ArchitectureRules {
    /**
     * The libraries core may use besides the JDK: those in shared/core/pom.xml. Adding one to core is a
     * decision, made here; an SDK for a backend belongs in that backend's adapter module instead.
     */
    static final String[] CORE_LIBRARIES = {
            "java..", "javax.crypto..", "com.fasterxml.jackson..", "com.auth0.jwt..", "at.favre.lib.crypto.bcrypt..",
            "org.slf4j..", "com.google.common..",
            // @Nullable on the API's response records (io.miaobu.api)
            "org.jspecify.."};

    private final ModuleOfClass modules;

    ArchitectureRules(ModuleOfClass compiledIn) {
        // An array has no class file: Foo[] is in Foo's module.
        this.modules = c -> compiledIn.of(c.isArray() ? c.getBaseComponentType() : c);
    }

    List<ArchRule> all() {
        return List.of(noLayerUsesOneAbove(), adaptersUseNoOtherAdapter(), noFunctionUsesAnother(),
                coreUsesNoLibraryButItsOwn(), everyClassSitsInAPackageItsModuleOwns());
    }

    /** The rules about which module may use which: the ones a class's dependencies can break. */
    List<ArchRule> dependencyRules() {
        return List.of(noLayerUsesOneAbove(), adaptersUseNoOtherAdapter(), noFunctionUsesAnother());
    }

    ArchRule noLayerUsesOneAbove() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true);
        for (Layer layer : Layer.values()) {
            layers = layers.layer(layer.title).definedBy(in(layer));
        }
        for (Layer layer : Layer.values()) {
            layers = layer.uses.isEmpty()
                    ? layers.whereLayer(layer.title).mayNotAccessAnyLayer()
                    : layers.whereLayer(layer.title).mayOnlyAccessLayers(layer.uses.stream().map(l -> l.title).toArray(String[]::new));
        }
        return layers.because("a layer uses only the layers below it, and no product code uses test support (Layer)");
    }

    ArchRule adaptersUseNoOtherAdapter() {
        SliceRule rule = modulesDoNotUseEachOther(Layer.ADAPTER);
        for (Modules.AllowedUse allowed : Modules.ADAPTER_USES) {
            rule = rule.ignoreDependency(in(allowed.from()), in(allowed.to()));
        }
        return rule.because("each adapter implements ports for one backend; what two adapters share belongs in"
                        + " core, except the uses listed in Modules.ADAPTER_USES, each with its reason")
                .allowEmptyShould(true);
    }

    ArchRule noFunctionUsesAnother() {
        return modulesDoNotUseEachOther(Layer.FUNCTION)
                .because("each function is its own jar carrying only its own adapters; what two share belongs in"
                        + " functions/runtime or below")
                .allowEmptyShould(true);
    }

    ArchRule coreUsesNoLibraryButItsOwn() {
        return classes().that(in(Layer.CORE))
                // Primitives (and arrays of them) are in no package.
                .should().onlyDependOnClassesThat(in(Layer.CORE).or(resideInAnyPackage(CORE_LIBRARIES))
                        .or(DescribedPredicate.describe("are primitive", (JavaClass target) -> target.getPackageName().isEmpty())))
                .because("core talks to ports; a backend's SDK belongs in its adapter module (CORE_LIBRARIES)")
                .allowEmptyShould(true);
    }

    ArchRule everyClassSitsInAPackageItsModuleOwns() {
        return classes().that(DescribedPredicate.describe("are compiled in a module", (JavaClass c) -> modules.of(c).isPresent()))
                .should(sitInAPackageTheirModuleOwns())
                .because("a package belongs to one module (Modules.ALL), so its layer is plain from its name"
                        + " and no package is split across modules")
                .allowEmptyShould(true);
    }

    DescribedPredicate<JavaClass> in(Layer layer) {
        return DescribedPredicate.describe("in " + layer.title,
                c -> modules.of(c).map(module -> module.layer() == layer).orElse(false));
    }

    DescribedPredicate<JavaClass> in(Module module) {
        return DescribedPredicate.describe("in " + module.dir(), c -> modules.of(c).map(module::equals).orElse(false));
    }

    private SliceRule modulesDoNotUseEachOther(Layer layer) {
        return slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return modules.of(javaClass).filter(module -> module.layer() == layer)
                        .map(module -> SliceIdentifier.of(module.dir()))
                        .orElse(SliceIdentifier.ignore());
            }

            @Override
            public String getDescription() {
                return "the modules of " + layer.title;
            }
        }).should().notDependOnEachOther();
    }

    private ArchCondition<JavaClass> sitInAPackageTheirModuleOwns() {
        return new ArchCondition<>("sit in a package their module owns") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                Optional<Module> compiledIn = modules.of(javaClass);
                Optional<Module> owner = Modules.ownerOf(javaClass.getPackageName());
                events.add(new SimpleConditionEvent(javaClass, compiledIn.equals(owner), javaClass.getName()
                        + " is compiled in " + compiledIn.map(Module::toString).orElse("no module")
                        + " but its package belongs to " + owner.map(Module::toString).orElse("no module")
                        + ": move the class, or give its package to its module in Modules.ALL"));
            }
        };
    }
}
