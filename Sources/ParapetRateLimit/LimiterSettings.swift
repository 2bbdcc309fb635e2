/// What a built-in limiter takes from its middleware's ``RateLimit/Options`` besides its rule.
struct LimiterSettings: Sendable {
    /// The limiter's name, for its janitor's task name.
    var name: String
    /// The most keys the limiter remembers at once (``RateLimit/Options/maxKeys``).
    var maxKeys = RateLimit.Options().maxKeys
}
