package io.miaobu.testkit.aliyun;

import io.miaobu.aliyun.AliyunCredentials;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Aliyun CDN's RPC API (2018-05-10) for tests: RefreshObjectCaches, recorded, with its per-call limits. */
public final class FakeCdn extends FakeAliyunRpc {
    public static final String VERSION = "2018-05-10";

    private final List<Refresh> refreshes = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(7000);

    public record Refresh(String type, List<String> paths) {}

    public FakeCdn(AliyunCredentials credentials) {
        super(VERSION, credentials);
    }

    public List<Refresh> refreshes() {
        return List.copyOf(refreshes);
    }

    @Override
    protected Map<String, Object> handle(String action, Map<String, String> p) {
        if (!action.equals("RefreshObjectCaches")) {
            throw new RpcError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
        String type = p.getOrDefault("ObjectType", "File");
        List<String> paths = List.of(required(p, "ObjectPath").split("\n"));
        int max = type.equals("Directory") ? 100 : 1000;
        if (paths.size() > max) {
            throw new RpcError(400, "InvalidObjectPath.Malformed", "Too many objects in one request: at most " + max + ".");
        }
        for (String path : paths) {
            if (!path.startsWith("http://") && !path.startsWith("https://")) {
                throw new RpcError(400, "InvalidObjectPath.Malformed", "Specified ObjectPath is invalid: " + path);
            }
            if (type.equals("Directory") && !path.endsWith("/")) {
                throw new RpcError(400, "InvalidObjectPath.Malformed", "A directory must end with /.");
            }
        }
        refreshes.add(new Refresh(type, paths));
        return Map.of("RefreshTaskId", String.valueOf(ids.incrementAndGet()));
    }
}
