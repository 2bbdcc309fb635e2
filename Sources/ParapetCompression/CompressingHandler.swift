import HTTPTypes
import NIOCore
import ParapetCore

/// The handler a ``Compression`` builds.
struct CompressingHandler: Handler {
    let options: Compression.Options
    let next: any Handler

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        var response = try await next.handle(request, context: context)
        guard request.method != .head, isCompressible(response) else { return response }
        if options.addsVary { response.headerFields.mergeVary("Accept-Encoding") }
        let accepted = request.headerFields[.acceptEncoding].map(AcceptEncoding.init)
        guard let coding = accepted?.preferred(among: options.codings) else { return response }
        let level = options.level(of: coding)
        response.headerFields[.contentEncoding] = coding.token
        response.headerFields[.contentLength] = nil
        if let etag = response.headerFields[.eTag], etag.hasPrefix("\"") {
            response.headerFields[.eTag] = "W/" + etag
        }
        let trailers = response.body.trailers
        if response.body.isReplayable {
            // In memory: compress at once, and the length is known again.
            var output = ByteBuffer()
            let encoder = try coding.makeEncoder(level: level)
            for try await chunk in response.body { try encoder.encode(chunk, into: &output) }
            try encoder.finish(into: &output)
            response.body = HTTPBody(output, trailers: trailers)
        } else {
            response.body = HTTPBody(stream: CompressedChunks(base: response.body, coding: coding, level: level), trailers: trailers)
        }
        return response
    }

    /// Whether the response may be compressed at all (whatever this client accepts).
    private func isCompressible(_ response: Response) -> Bool {
        let status = response.status.code
        guard status >= 200, status != 204, status != 206, status != 304 else { return false }
        let fields = response.headerFields
        guard fields[.contentEncoding] == nil || fields[.contentEncoding]?.lowercased() == "identity",
            fields[.contentRange] == nil,
            !(fields[.cacheControl]?.lowercased().contains("no-transform") ?? false)
        else { return false }
        if let length = response.body.knownLength ?? fields[.contentLength].flatMap({ Int($0) }),
            length < max(options.minimumLength, 1)
        {
            return false
        }
        guard !options.types.contains("*") else { return true }
        let mediaType = fields[.contentType]?.split(separator: ";").first
            .map { $0.trimmingWhitespace.lowercased() }
        return mediaType.map(options.types.contains) ?? false
    }
}

extension HTTPFields {
    /// Adds `name` to `Vary` unless it (or `*`) is already listed, keeping every value already there.
    mutating func mergeVary(_ name: String) {
        let listed = self[values: .vary].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingWhitespace.lowercased() }
        guard !listed.contains(name.lowercased()), !listed.contains("*") else { return }
        append(HTTPField(name: .vary, value: name))
    }
}
