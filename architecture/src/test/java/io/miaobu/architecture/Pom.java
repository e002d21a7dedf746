package io.miaobu.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** What the rules need from a pom.xml: the project's own artifactId, its modules and its dependencies. */
record Pom(Path file, Element project) {
    static Pom read(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return new Pom(file, factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException(file + " is not a readable POM", e);
        }
    }

    /** The project's artifactId, not its parent's. */
    String artifactId() {
        return children(project, "artifactId").findFirst().map(Node::getTextContent).orElseThrow().trim();
    }

    List<String> modules() {
        return children(project, "modules").flatMap(modules -> children(modules, "module"))
                .map(module -> module.getTextContent().trim()).toList();
    }

    List<String> dependencyArtifactIds(String groupId) {
        return children(project, "dependencies").flatMap(dependencies -> children(dependencies, "dependency"))
                .filter(dependency -> children(dependency, "groupId").anyMatch(g -> g.getTextContent().trim().equals(groupId)))
                .flatMap(dependency -> children(dependency, "artifactId"))
                .map(artifactId -> artifactId.getTextContent().trim()).toList();
    }

    private static Stream<Element> children(Element parent, String name) {
        var nodes = parent.getChildNodes();
        return IntStream.range(0, nodes.getLength()).mapToObj(nodes::item)
                .filter(node -> node instanceof Element && node.getNodeName().equals(name))
                .map(Element.class::cast);
    }
}
