public import ParapetCore

/// A virtual host: a block whose inner chain serves the requests for its names.
///
/// A request whose `Host` matches runs through the middlewares `use`d into the block, which end in
/// `404 Not Found` — a matched request never falls through to the rest of the outer chain. Any other
/// request skips the block.
///
/// ```swift
/// let site = Host("example.com", "www.example.com")
/// site.use(Redirect.https)
/// site.use(HSTS.preload)
/// site.use(Redirect.nonWWW)
/// site.use(Upstream(SingleHost("example.internal:8080", transport: http)))
/// server.use(site)
/// ```
///
/// ## Names
///
/// A name is compared without case, port or one trailing dot, on either side: `Example.COM.:8443`
/// matches `example.com`. `*.example.com` matches every subdomain at any depth (`a.example.com`,
/// `a.b.example.com`) but not `example.com` itself; `*` matches every request, even one without a
/// `Host`. IP addresses match as literals (`192.0.2.7`, `[2001:db8::7]`, in any spelling of the same
/// IPv6 address); ``init(networks:)`` matches every IP-literal host inside a network. Internationalized
/// names are written in their ASCII (`xn--`) form, as they arrive on the wire. A `Host` that is not a
/// well-formed `host[:port]` matches only `*`.
///
/// ## Precedence
///
/// Hosts that follow one another in a chain — `use`d one after another into the server, a
/// ``ParapetCore/Middlewares`` or a block, including through nested ``ParapetCore/Middlewares`` — act as
/// one set of virtual hosts, and a request goes to the **most specific** host that names it, whatever
/// order they were `use`d in, as nginx chooses a `server`:
///
/// 1. an exact name;
/// 2. the longest matching wildcard (`*.b.example.com` before `*.example.com`);
/// 3. the smallest matching network of ``init(networks:)``;
/// 4. `*`, the default host.
///
/// Between equally specific names, the host `use`d first wins.
///
/// ```swift
/// let everyone = Host("*.example.com")
/// everyone.use(Upstream(SingleHost("tenants.internal:8080", transport: http)))
/// let api = Host("api.example.com")
/// api.use(Upstream(SingleHost("api.internal:8080", transport: http)))
/// server.use(everyone)
/// server.use(api)   // api.example.com still goes here: an exact name beats a wildcard
/// ```
///
/// Any other middleware `use`d between two hosts separates them into two sets: the hosts after it see
/// only the requests that none before it matched.
public final class Host: Block, CustomStringConvertible {
    private let names: [String]
    private let networks: [IPNetwork]
    private let chain = Middlewares()

    /// Creates a virtual host answering for `names`: host names, `*.`-wildcards, IP addresses, or `*`.
    ///
    /// A name that is none of these, such as one with a port (`example.com:8080`) or a `*` inside it,
    /// is reported when the chain is built, as a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)``
    /// naming it.
    public init(_ names: String...) {
        self.names = names
        self.networks = []
    }

    /// Creates a virtual host answering for every request whose host is an IP address inside one of
    /// `networks`, such as requests made to a load balancer's address rather than a name.
    public init(networks: IPNetwork...) {
        self.names = []
        self.networks = networks
    }

    /// `Host("example.com", "www.example.com")`, as a build names the host in a problem.
    public var description: String {
        let names = names.map { "\"\($0)\"" } + networks.map { "\($0)" }
        return "Host(\(names.joined(separator: ", ")))"
    }

    /// Appends `middleware` to the chain serving this host's requests.
    ///
    /// A `use` after the host was built makes its next build throw
    /// ``ParapetCore/ChainError/usedAfterBuild``.
    public func use(_ middleware: any Middleware) {
        chain.use(middleware)
    }

    /// Builds the host's chain, ending in `404 Not Found`, and joins it with the hosts that directly
    /// follow it in the outer chain (see Precedence).
    ///
    /// - Throws: every name that is not one and every problem of the inner chain, together (see
    ///   ``ParapetCore/ChainBuildProblems/error``).
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var problems = ChainBuildProblems()
        let patterns = networks.map(HostPattern.network) + names.compactMap { name in
            problems.attempt { () throws(ConfigurationError) in try HostPattern(name) }
        }
        let inner = problems.attempt { try chain.wrap(Endpoint.notFound, in: environment) }
        guard let inner, problems.problems.isEmpty else { throw problems.error }
        let site = VirtualHostHandler.Site(patterns: patterns, handler: inner)
        if let following = next as? VirtualHostHandler {
            return following.mounting(site)
        }
        return VirtualHostHandler(sites: [site], next: next)
    }
}
