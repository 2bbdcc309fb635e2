extension ServerConfiguration {
    /// The handler a server with this configuration runs: `chain`, built to end in `404 Not Found`, behind
    /// the trusted-proxy rules and the path rules.
    ///
    /// - Throws: what building the chain threw (see ``ChainBuildError``).
    public func makeHandler(serving chain: any Middleware, in environment: ChainEnvironment) throws -> any Handler {
        var environment = environment
        environment.pathRules = pathRules
        let inner = try chain.wrap(Endpoint.notFound, in: environment)
        let normalizing = RequestPathRules.Handler(next: inner, rules: pathRules)
        return ForwardingHeaders.Handler(next: normalizing, trusting: trustedProxies)
    }
}
