import ParapetCore

/// The handler built from one ``Host``, or from several that follow one another in a chain: it sends a
/// request to the inner chain of the most specific host that names it (see ``VirtualHostTable``) and
/// any other request to the handler after the hosts.
struct VirtualHostHandler: Handler {
    /// One host's names and its built inner chain.
    struct Site: Sendable {
        let patterns: [HostPattern]
        let handler: any Handler
    }

    let sites: [Site]
    let table: VirtualHostTable
    let next: any Handler

    init(sites: [Site], next: any Handler) {
        self.sites = sites
        self.table = VirtualHostTable(sites: sites.map(\.patterns))
        self.next = next
    }

    /// These hosts with `site` mounted before them, sharing one table and the same next handler.
    func mounting(_ site: Site) -> VirtualHostHandler {
        VirtualHostHandler(sites: [site] + sites, next: next)
    }

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        guard let index = table.site(for: request.authority) else {
            return try await next.handle(request, context: context)
        }
        return try await sites[index].handler.handle(request, context: context)
    }
}
