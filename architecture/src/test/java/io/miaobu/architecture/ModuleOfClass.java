package io.miaobu.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import java.util.Optional;

/** Which module a class is compiled in; empty for the JDK's and libraries' classes. */
@FunctionalInterface
interface ModuleOfClass {
    Optional<Module> of(JavaClass javaClass);
}
