package io.miaobu.functions.scheduler;

import io.miaobu.Platform;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.functions.events.FcEvents;
import io.miaobu.http.Handler;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.ops.Reaper;
import java.util.Map;

/** FC timer function: each tick ({@code POST /invoke} with the timer event) runs the periodic jobs. */
public final class SchedulerFunction {
    private SchedulerFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main("scheduler", SchedulerFunction::handler);
    }

    public static Handler handler(Platform platform) {
        Reaper reaper = platform.reaper();
        return new Router().post("/invoke", req -> {
            FcEvents.TimerEvent tick = FcEvents.timer(req.body());
            return Response.ok(Map.of("trigger", String.valueOf(tick.triggerName()), "reapedDeployments", reaper.reap()));
        });
    }
}
