import HTTPTypes
import ParapetCore

/// What a cache may do with a stored response for a request (RFC 9111 §4.2–4.3, §5.2.1).
enum Reuse: Equatable {
    /// Serve it: it is fresh enough for the request.
    case fresh
    /// Serve it stale: the request's `max-stale` accepts it and the response does not forbid it.
    case stale
    /// Serve it stale, and revalidate it in the background: it is within its `stale-while-revalidate`.
    case staleWhileRevalidate
    /// Ask the origin first, with the stored validators.
    case validate(because: ValidationCause)

    enum ValidationCause: Equatable {
        /// The response is stale, or must be validated on every use (`no-cache`).
        case stale
        /// The request's directives (`no-cache`, `max-age`, `min-fresh`) ask for more than it has.
        case request
    }

    /// The reuse of `response`, whose stale windows are `windows`, for a request with `requestControl`
    /// at `now`.
    init(of response: CachedResponse, windows: StaleWindows, requestControl: CacheControl, at now: MonotonicInstant) {
        self.init(
            age: response.age, lifetime: response.freshnessLifetime, control: response.control, windows: windows,
            requestControl: requestControl, at: now)
    }

    /// The reuse of a response whose age is `age`, fresh for `lifetime`, with directives `control`.
    init(
        age: ResponseAge, lifetime: Duration, control: CacheControl, windows: StaleWindows,
        requestControl: CacheControl, at now: MonotonicInstant
    ) {
        let age = age.current(at: now)
        let remaining = lifetime - age
        if requestControl.contains("no-cache") {
            self = .validate(because: .request)
        } else if control.isUnqualified("no-cache") {
            self = .validate(because: .stale)
        } else if let maxAge = requestControl.seconds("max-age").duration, age > maxAge {
            self = .validate(because: .request)
        } else if let minFresh = requestControl.seconds("min-fresh").duration, remaining < minFresh {
            self = .validate(because: .request)
        } else if remaining > .zero {
            self = .fresh
        } else if Self.allowsStale(control), Self.accepts(requestControl, staleness: .zero - remaining) {
            self = .stale
        } else if windows.whileRevalidate > .zero, .zero - remaining <= windows.whileRevalidate {
            self = .staleWhileRevalidate
        } else {
            self = .validate(because: .stale)
        }
    }

    /// Whether `response` can never be used again at `now`: stale past the longest of its `windows`, and
    /// without a validator to revalidate it with. (A request's `max-stale` could still take it; a store
    /// does not keep responses for that.)
    static func isSpent(_ response: CachedResponse, windows: StaleWindows, at now: MonotonicInstant) -> Bool {
        response.remainingFreshness(at: now) + windows.longest < .zero
            && response.headerFields[.eTag] == nil && response.headerFields[.lastModified] == nil
    }

    /// Whether the response lets a shared cache serve it stale at all.
    static func allowsStale(_ control: CacheControl) -> Bool {
        !["must-revalidate", "proxy-revalidate", "s-maxage", "no-cache"].contains(where: control.contains)
    }

    /// Whether the request's `max-stale` accepts a response stale by `staleness`.
    private static func accepts(_ requestControl: CacheControl, staleness: Duration) -> Bool {
        switch requestControl.seconds("max-stale") {
        case .absent: return false
        case .invalid: return requestControl.argument("max-stale") == nil
        case .valid(let seconds): return staleness <= .seconds(seconds)
        }
    }
}
