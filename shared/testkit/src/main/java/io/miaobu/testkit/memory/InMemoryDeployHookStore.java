package io.miaobu.testkit.memory;

import io.miaobu.deploy.DeployHook;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.store.DuplicateKeyException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hooks by id; an id or a token hash is stored once, as the table's keys keep them. */
public final class InMemoryDeployHookStore implements DeployHookStore {
    private static final Comparator<DeployHook> OLDEST_FIRST =
            Comparator.comparing(DeployHook::createdAt).thenComparing(DeployHook::id);

    private final Map<String, DeployHook> byId = new LinkedHashMap<>();

    @Override
    public synchronized void insert(DeployHook hook) {
        if (byId.containsKey(hook.id()) || findByTokenHash(hook.tokenHash()).isPresent()) {
            throw new DuplicateKeyException("deploy hook " + hook.id(), null);
        }
        byId.put(hook.id(), new DeployHook(hook.id(), hook.projectId(), hook.name(), hook.branch(), hook.tokenHash(),
                Micros.of(hook.createdAt())));
    }

    @Override
    public synchronized Optional<DeployHook> findByTokenHash(String tokenHash) {
        return byId.values().stream().filter(h -> h.tokenHash().equals(tokenHash)).findFirst();
    }

    @Override
    public synchronized List<DeployHook> listByProject(String projectId) {
        return byId.values().stream().filter(h -> h.projectId().equals(projectId)).sorted(OLDEST_FIRST).toList();
    }

    @Override
    public synchronized boolean delete(String projectId, String hookId) {
        DeployHook hook = byId.get(hookId);
        return hook != null && hook.projectId().equals(projectId) && byId.remove(hookId) != null;
    }
}
