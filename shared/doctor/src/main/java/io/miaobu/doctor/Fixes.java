package io.miaobu.doctor;

import io.miaobu.aliyun.AliyunApiException;

/** The fixes that several checks share: a key without a permission, an unreachable endpoint. */
final class Fixes {
    private Fixes() {}

    /**
     * What went wrong, on one line: the service's code and message without the string-to-sign and
     * raw response the SDKs append to a signature error.
     */
    static String describe(RuntimeException e) {
        String message;
        if (e instanceof com.aliyun.oss.OSSException o) {
            message = o.getErrorCode() + ": " + o.getErrorMessage();
        } else if (e instanceof com.aliyun.mns.common.ServiceException s) {
            message = s.getMessage();
        } else {
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        message = message.replaceAll("(?s)\\s*(StringToSign|server string to sign|\\[ErrorCode\\]).*", "").replaceAll("\\s+", " ").trim();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /** The fix for an Aliyun API error: the key's permission, the network, or else {@code otherwise}. */
    static String forApiError(RuntimeException e, String ramAction, String otherwise) {
        if (e instanceof AliyunApiException a) {
            String code = a.code() == null ? "" : a.code();
            if (a.status() == 0) {
                return "check the endpoint and this machine's network (" + code + ")";
            }
            if (code.startsWith("InvalidAccessKeyId") || code.startsWith("SignatureDoesNotMatch") || code.startsWith("InvalidSecurityToken")) {
                return "check MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET (an active AccessKey pair of the account)";
            }
            if (code.contains("Forbidden") || code.contains("NoPermission") || code.contains("AccessDenied") || a.status() == 403) {
                return "allow " + ramAction + " to the operator's key (docs/operators.md \"RAM role and policy\")";
            }
        }
        return otherwise;
    }
}
