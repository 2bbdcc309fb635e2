import HTTPTypes
public import ParapetCore
import Synchronization

/// Sends `103 Early Hints` (RFC 8297) so that browsers start fetching a page's stylesheets and scripts, or
/// connecting to their hosts, while the page itself is still being produced — what HTTP/2 server push was
/// for (the Go original's `h2push`) before browsers removed push. Works over HTTP/1.1, h2c and h2; an
/// HTTP/1.0 client gets no `103`.
///
/// ```swift
/// server.use(EarlyHints.push("</app.css>; rel=preload; as=style"))   // every GET, before the handler
/// server.use(EarlyHints.preload())                                    // learned from the origin's Link fields
/// ```
///
/// ``preload(_:)`` does what CDNs do: it remembers the `Link` fields with `rel=preload` or `rel=preconnect`
/// (and no `nopush`) of each path's successful `GET` responses and sends them as a `103` on later requests
/// for that path, while the origin is still working. The memory is bounded (``PreloadOptions``) and every
/// learned path expires on the runtime's clock; a response without such links forgets its path.
///
/// Hints go only to `GET` and `HEAD` requests: browsers act on `103` for navigations.
public struct EarlyHints: Middleware {
    /// Bounds of what ``EarlyHints/preload(_:)`` remembers.
    public struct PreloadOptions: Sendable {
        /// Paths remembered at once; the path learned longest ago makes room. Default 1,024.
        public var paths: Int
        /// Link-values remembered per path. Default 16.
        public var linksPerPath: Int
        /// Bytes of link-values remembered per path. Default 4,096.
        public var bytesPerPath: Int
        /// How long a path's links are sent after they were last seen. Default 10 minutes.
        public var lifetime: Duration

        /// Creates options.
        public init(
            paths: Int = 1_024, linksPerPath: Int = 16, bytesPerPath: Int = 4_096, lifetime: Duration = .seconds(600)
        ) {
            self.paths = paths
            self.linksPerPath = linksPerPath
            self.bytesPerPath = bytesPerPath
            self.lifetime = lifetime
        }
    }

    private enum Mode: Sendable {
        case push([String])
        case preload(PreloadOptions)
    }

    private let mode: Mode

    /// Sends `links` (each a `Link` field value, such as `</app.css>; rel=preload; as=style`) as a `103`
    /// before the handler runs; with none, does nothing.
    public static func push(_ links: String...) -> EarlyHints {
        EarlyHints(mode: .push(links))
    }

    /// Learns each path's preload and preconnect links from its responses and sends them as a `103` on
    /// later requests for the path.
    public static func preload(_ options: PreloadOptions = PreloadOptions()) -> EarlyHints {
        EarlyHints(mode: .preload(options))
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        switch mode {
        case .push(let links):
            for link in links {
                check.require(
                    LinkValues.split(link).count == 1 && LinkValues.isWellFormed(Substring(link))
                        && HTTPField.isValidValue(link),
                    "EarlyHints.push", "\"\(link)\" is not one Link field value such as \"</app.css>; rel=preload\"")
            }
            try check.result()
            return links.isEmpty ? next : Pushing(links: links, next: next)
        case .preload(let options):
            check.positive(options.paths, "EarlyHints.PreloadOptions.paths")
            check.positive(options.linksPerPath, "EarlyHints.PreloadOptions.linksPerPath")
            check.positive(options.bytesPerPath, "EarlyHints.PreloadOptions.bytesPerPath")
            check.positive(options.lifetime, "EarlyHints.PreloadOptions.lifetime")
            try check.result()
            let limits = LearnedLinks.Limits(
                paths: options.paths, linksPerPath: options.linksPerPath, bytesPerPath: options.bytesPerPath,
                lifetime: options.lifetime)
            return Preloading(learned: LearnedLinks(limits: limits), next: next)
        }
    }

    private static func wantsHints(_ request: Request) -> Bool {
        request.method == .get || request.method == .head
    }

    private static func hint(_ links: some Sequence<String>, context: RequestContext) {
        var fields = HTTPFields()
        for link in links { fields.append(HTTPField(name: .link, value: link)) }
        context.sendInterim(HTTPResponse(status: .earlyHints, headerFields: fields))
    }

    private struct Pushing: Handler {
        let links: [String]
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            if EarlyHints.wantsHints(request) { EarlyHints.hint(links, context: context) }
            return try await next.handle(request, context: context)
        }
    }

    private final class Preloading: Handler {
        let learned: Mutex<LearnedLinks>
        let next: any Handler

        init(learned: LearnedLinks, next: any Handler) {
            self.learned = Mutex(learned)
            self.next = next
        }

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            guard EarlyHints.wantsHints(request) else { return try await next.handle(request, context: context) }
            let key = Self.key(of: request)
            let clock = context.runtime.clock
            if let links = learned.withLock({ $0.links(for: key, at: clock.now) }) {
                EarlyHints.hint(links, context: context)
            }
            let response = try await next.handle(request, context: context)
            if request.method == .get, response.status.kind == .successful {
                let links = LinkValues.earlyHints(in: response.headerFields[values: .link])
                learned.withLock { $0.learn(links, for: key, at: clock.now) }
            }
            return response
        }

        /// The host and path, without the query: a page's variants by query share their assets.
        private static func key(of request: Request) -> String {
            let path = request.path ?? "/"
            let withoutQuery = path.firstIndex(of: "?").map { path[..<$0] } ?? Substring(path)
            return (request.authority ?? "").lowercased() + withoutQuery
        }
    }
}

extension HTTPField.Name {
    /// `Link` (RFC 8288).
    fileprivate static let link = HTTPField.Name("Link")!
}
