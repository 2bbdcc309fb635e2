/// How long past its freshness a stored response may still be served, and when (RFC 5861, RFC 9111
/// §4.2.4): from its own `stale-while-revalidate` and `stale-if-error`, else the cache's defaults; none at
/// all when the response forbids serving it stale.
struct StaleWindows {
    /// Served while a background revalidation runs.
    var whileRevalidate: Duration = .zero
    /// Served when revalidation fails with `500`, `502`, `503` or `504`, or gets no answer.
    var ifError: Duration = .zero
    /// Served when the origin cannot be reached: no answer, `502` or `504`.
    var ifUnreachable: Duration = .zero

    /// No serving stale at all.
    static let never = StaleWindows()

    private init() {}

    /// The windows of a response stored with `control`; a request's own `stale-if-error` (RFC 5861 §4,
    /// in `requestControl`) widens those for failures, since that client would rather have the stale
    /// response than the error — where the response allows serving stale at all.
    init(_ control: CacheControl, options: Cache.Options, requestControl: CacheControl? = nil) {
        guard Reuse.allowsStale(control) else { return }
        defer {
            if let accepted = requestControl?.seconds("stale-if-error").duration {
                ifError = max(ifError, accepted)
                ifUnreachable = max(ifUnreachable, accepted)
            }
        }
        whileRevalidate = control.seconds("stale-while-revalidate").duration ?? options.staleWhileRevalidate
        if let explicit = control.seconds("stale-if-error").duration {
            // The origin said how long past freshness it may be served on errors: that covers outages too.
            ifError = explicit
            ifUnreachable = explicit
        } else {
            ifError = options.staleIfError
            ifUnreachable = max(ifError, options.staleIfUnreachable)
        }
    }

    /// The longest of the windows: past it, only a validation can make the response of use again.
    var longest: Duration { max(whileRevalidate, ifError, ifUnreachable) }

    /// Whether `status` is one RFC 5861 counts as an error: `500`, `502`, `503` or `504`.
    static func isError(_ status: Int) -> Bool {
        [500, 502, 503, 504].contains(status)
    }

    /// The window that covers a revalidation answered with `status`; zero for a status that is no error.
    func window(forStatus status: Int) -> Duration {
        switch status {
        case 502, 504: ifUnreachable
        case 500, 503: ifError
        default: .zero
        }
    }
}
