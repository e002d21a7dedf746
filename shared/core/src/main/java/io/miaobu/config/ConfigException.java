package io.miaobu.config;

/** A setting is missing or malformed; the message names the MIAOBU_ variable to fix. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
