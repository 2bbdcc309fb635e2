import HTTPTypes
import ParapetCore

/// The handler a ``RateLimit`` builds: finds the key, asks the limiter, reports the decision, then serves
/// the request (holding a concurrency permit until the response body is over) or answers it as exceeded.
struct LimitingHandler: Handler {
    let next: any Handler
    let limiter: any RateLimiter
    let name: String
    let options: RateLimit.Options
    /// The fields this limiter adds to responses, when it sends them.
    let fields: Fields?

    /// What the `RateLimit-Policy` and `RateLimit` lines share across requests, made once.
    struct Fields {
        /// The `RateLimit-Policy` line; it never changes.
        let policy: HTTPField
        /// The start of every `RateLimit` value: the quoted policy name and `;r=`.
        let limitPrefix: String

        init(name: String, quota: RateLimitQuota) {
            policy = HTTPField(name: .rateLimitPolicy, value: RateLimitFields.policy(name: name, quota: quota))
            limitPrefix = RateLimitFields.limitPrefix(name: name)
        }
    }

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        if let appliesTo = options.appliesTo, !appliesTo(request, context) {
            return try await next.handle(request, context: context)
        }
        guard let found = options.key.key(for: request, context: context) else {
            return try await next.handle(request, context: context)
        }
        let key = found.grouped(ipv6PrefixLength: options.ipv6PrefixLength)
        switch try await limiter.acquire(key) {
        case .allowed(let status, let permit):
            options.observe?(RateLimitEvent(name: name, key: key, outcome: .allowed))
            var response: Response
            do {
                response = try await next.handle(request, context: context)
            } catch {
                permit?.release()
                throw error
            }
            addFields(to: &response, status: status)
            if let permit {
                response.body = response.body.holding(permit)
            }
            return response
        case .limited(let status, let retryAfter):
            options.observe?(RateLimitEvent(name: name, key: key, outcome: .limited))
            let rejection = RateLimitRejection(name: name, key: key, retryAfter: retryAfter, status: status)
            var response = try await options.onExceeded(request, context, rejection)
            addFields(to: &response, status: status)
            return response
        }
    }

    /// Appends this limiter's `RateLimit-Policy` and `RateLimit` lines, when they are sent.
    private func addFields(to response: inout Response, status: RateLimitStatus) {
        guard let fields else { return }
        response.headerFields.append(fields.policy)
        response.headerFields.append(
            HTTPField(name: .rateLimit, value: RateLimitFields.limit(prefix: fields.limitPrefix, status: status)))
    }
}
