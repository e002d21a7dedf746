package io.miaobu.alidns;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InternetDomainName;
import io.miaobu.aliyun.AcsRpcClient;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.DomainSettings;
import io.miaobu.domains.DnsChallenges;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * DNS-01 answers as TXT records in Alidns (API 2015-01-09, AddDomainRecord / DeleteDomainRecord)
 * over the signed RPC client, no SDK. The zone is the hostname's registrable domain (Public Suffix
 * List), which must be hosted in the operator's Alidns account; the handle is Alidns' RecordId.
 */
public final class AlidnsDnsChallenges implements DnsChallenges {
    /** What the functions' role must allow for DNS-01 TXT records. */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("Alidns DNS-01", "alidns", "AddDomainRecord", "DeleteDomainRecord");

    public static final String VERSION = "2015-01-09";
    /** Alidns' smallest TTL on the free edition: the CA and our resolver see a fresh value soon. */
    static final String TTL = "600";

    private final AcsRpcClient rpc;

    public AlidnsDnsChallenges(AcsRpcClient rpc) {
        this.rpc = rpc;
    }

    /** The adapter MIAOBU_ALIDNS=on asks for, else empty (wildcard domains stay refused). */
    public static Optional<DnsChallenges> from(DomainSettings settings, Supplier<AliyunCredentials> credentials) {
        if (!settings.alidns()) {
            return Optional.empty();
        }
        return Optional.of(new AlidnsDnsChallenges(new AcsRpcClient("Alidns", settings.alidnsEndpoint(), VERSION, credentials)));
    }

    @Override
    public String put(String hostname, String value) {
        String name = DnsChallenges.recordName(hostname);
        String zone = zone(name.substring("_acme-challenge.".length()));
        String rr = name.substring(0, name.length() - zone.length() - 1);
        JsonNode answer = rpc.call("AddDomainRecord", Map.of("DomainName", zone, "RR", rr, "Type", "TXT",
                "Value", value, "TTL", TTL));
        String recordId = answer.path("RecordId").asText("");
        if (recordId.isEmpty()) {
            throw new IllegalStateException("Alidns AddDomainRecord for " + name + " answered no RecordId: " + answer);
        }
        return recordId;
    }

    @Override
    public void delete(String handle) {
        try {
            rpc.call("DeleteDomainRecord", Map.of("RecordId", handle));
        } catch (AliyunApiException e) {
            // Already gone (removed by hand, or a retried delete): what delete promises.
            if (!e.code().startsWith("DomainRecordNotBelongToUser") && !e.code().equals("InvalidRR.NoExist")) {
                throw e;
            }
        }
    }

    /** The registrable domain: example.co.uk for shop.example.co.uk. */
    static String zone(String name) {
        return InternetDomainName.from(name).topPrivateDomain().toString();
    }
}
