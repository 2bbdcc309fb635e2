public import HTTPTypes

extension HTTPField.Name {
    /// `X-Forwarded-For`: the chain of client and proxy addresses a request passed through.
    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// `X-Forwarded-Proto`: the scheme the original client used (`http` or `https`).
    public static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    /// `X-Real-IP`: the original client's address.
    public static let xRealIP = HTTPField.Name("X-Real-IP")!
}
