public import HTTPTypes

/// One member of the `Cache-Status` field (RFC 9211): what this cache did with a request.
struct CacheStatus {
    /// Why the request went to the origin (`fwd`).
    enum Forward: String {
        case bypass
        case method
        case uriMiss = "uri-miss"
        case varyMiss = "vary-miss"
        case request
        case stale
    }

    /// Served from the cache.
    var hit = false
    /// Why the origin was asked, when it was.
    var forward: Forward?
    /// The status the origin answered with.
    var forwardStatus: Int?
    /// The response was stored.
    var stored = false
    /// The request waited for another one's response instead of asking the origin.
    var collapsed = false
    /// How long the response served stays fresh, in seconds (negative when stale).
    var ttl: Int64?
    /// Anything else worth saying, such as why nothing could be served.
    var detail: String?

    /// The member, named `name`.
    func member(name: String) -> String {
        var text = name
        if hit { text += "; hit" }
        if let forward { text += "; fwd=\(forward.rawValue)" }
        if let forwardStatus { text += "; fwd-status=\(forwardStatus)" }
        if stored { text += "; stored" }
        if collapsed { text += "; collapsed" }
        if let ttl { text += "; ttl=\(ttl)" }
        if let detail { text += "; detail=\(detail)" }
        return text
    }

    /// The `X-Cache` word of the Go original.
    var xCache: String {
        if hit { return (ttl ?? 0) < 0 ? "STALE" : "HIT" }
        return "MISS"
    }
}

extension HTTPField.Name {
    /// `Cache-Status` (RFC 9211): what each cache on the way did with the request.
    public static let cacheStatus = HTTPField.Name("Cache-Status")!
    /// `X-Cache`: `HIT`, `MISS` or `STALE`, the Go original's summary (``Cache/Options/xCache``).
    public static let xCache = HTTPField.Name("X-Cache")!
}
