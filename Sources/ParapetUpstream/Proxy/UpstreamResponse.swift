public import ParapetCore

/// An upstream's answer and the target that gave it.
public struct UpstreamResponse: Sendable {
    /// The response, with its body still streaming from the upstream.
    public var response: Response
    /// The target that answered (for logs, metrics and `OnRoundTrip`).
    public var target: String?

    /// Creates an answer from `target`.
    public init(response: Response, target: String?) {
        self.response = response
        self.target = target
    }
}
