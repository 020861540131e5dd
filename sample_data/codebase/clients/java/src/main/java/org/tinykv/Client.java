package org.tinykv;

import java.util.HashMap;
import java.util.Map;

/**
 * A tinykv client that caches values it has read.
 */
public class Client {
    private final Map<String, String> cache = new HashMap<>();

    /**
     * Returns the cached value for {@code key}, or {@code null}.
     *
     * @param key the key to look up
     * @return the value, or null when it was never read
     */
    public String cached(String key) {
        return cache.get(key);
    }

    /** Forgets every cached value. */
    public void clear() {
        cache.clear();
    }

    /** Values as the server sends them. */
    public enum Encoding {
        RAW, JSON;

        /** The media type of this encoding. */
        public String mediaType() {
            return this == JSON ? "application/json" : "application/octet-stream";
        }
    }
}
