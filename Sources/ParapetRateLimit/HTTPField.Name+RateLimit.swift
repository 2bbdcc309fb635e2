public import HTTPTypes

extension HTTPField.Name {
    /// `RateLimit-Policy`: the quota policies a server applies (draft-ietf-httpapi-ratelimit-headers).
    ///
    /// ```swift
    /// let policies = response.headerFields[values: .rateLimitPolicy]   // ["\"fixed-60-per-1s\";q=60;w=1"]
    /// ```
    public static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!

    /// `RateLimit`: the quota left under each policy (draft-ietf-httpapi-ratelimit-headers).
    ///
    /// ```swift
    /// let limits = response.headerFields[values: .rateLimit]   // ["\"fixed-60-per-1s\";r=59;t=1"]
    /// ```
    public static let rateLimit = HTTPField.Name("RateLimit")!
}
