package io.miaobu.testkit.aliyun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** MNS queue messages as EventBridge delivers them to FC: a CloudEvents envelope with {@code data.messageBody}. */
public final class MnsEvents {
    public static final String ACCOUNT = "1649015465570000";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MnsEvents() {}

    /** One message's envelope; a batch delivery is a JSON array of these. */
    public static ObjectNode envelope(String queue, String messageId, String messageBody) {
        String now = Instant.now().toString();
        ObjectNode event = JSON.createObjectNode()
                .put("id", UUID.randomUUID().toString())
                .put("source", "MNS-miaobu-builder-" + queue)
                .put("specversion", "1.0")
                .put("type", "mns:Queue:SendMessage")
                .put("datacontenttype", "application/json; charset=utf-8")
                .put("subject", "acs:mns:cn-hangzhou:" + ACCOUNT + ":queues/" + queue)
                .put("time", now)
                .put("aliyunaccountid", ACCOUNT)
                .put("aliyunpublishtime", now)
                .put("aliyunoriginalaccountid", ACCOUNT)
                .put("aliyuneventbusname", "MNS-miaobu-builder-" + queue)
                .put("aliyunregionid", "cn-hangzhou")
                .put("aliyunpublishaddr", "42.120.0.1");
        event.putObject("data")
                .put("requestId", UUID.randomUUID().toString().replace("-", "").substring(0, 24).toUpperCase(Locale.ROOT))
                .put("messageId", messageId)
                .put("messageBody", messageBody);
        return event;
    }
}
