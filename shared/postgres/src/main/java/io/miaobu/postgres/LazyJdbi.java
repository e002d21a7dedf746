package io.miaobu.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** A Jdbi made on first use, and SqlObject DAOs that ask for it only when one of their methods is called. */
final class LazyJdbi implements Supplier<Jdbi> {
    private final Supplier<Jdbi> factory;
    private volatile Jdbi jdbi;

    LazyJdbi(Supplier<Jdbi> factory) {
        this.factory = factory;
    }

    @Override
    public Jdbi get() {
        Jdbi j = jdbi;
        if (j == null) {
            synchronized (this) {
                if (jdbi == null) {
                    jdbi = factory.get();
                }
                j = jdbi;
            }
        }
        return j;
    }

    /** A stand-in for {@code jdbi.onDemand(type)} that creates the on-demand DAO at its first call. */
    <T> T dao(Class<T> type) {
        Supplier<T> target = new Supplier<>() {
            private volatile T dao;

            @Override
            public T get() {
                T d = dao;
                if (d == null) {
                    d = LazyJdbi.this.get().onDemand(type);
                    dao = d;
                }
                return d;
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "lazy " + type.getSimpleName();
                };
            }
            try {
                return method.invoke(target.get(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
