package io.miaobu.functions.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's binding in every function jar (found through META-INF/services): {@link JsonLogger}s at
 * INFO; the SDKs' HTTP clients (chatty at INFO) at WARN.
 */
public final class JsonLogging implements SLF4JServiceProvider {
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final ILoggerFactory loggers = new Factory(Level.INFO);

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}

    private record Factory(Level level, Map<String, Logger> cache) implements ILoggerFactory {
        Factory(Level level) {
            this(level, new ConcurrentHashMap<>());
        }

        @Override
        public Logger getLogger(String name) {
            return cache.computeIfAbsent(name, n -> {
                boolean library = n.startsWith("org.apache.") || n.startsWith("com.aliyun.");
                return new JsonLogger(n, library && level.toInt() > Level.DEBUG.toInt() ? Level.WARN : level);
            });
        }
    }
}
