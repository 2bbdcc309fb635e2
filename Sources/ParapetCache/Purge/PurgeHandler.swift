import HTTPTypes
import NIOCore
import ParapetCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The handler of a ``PurgeEndpoint``: answers purges, passes everything else to `next`.
struct PurgeHandler: Handler {
    let next: any Handler
    let endpoint: PurgeEndpoint

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        let options = endpoint.options
        if request.method == .purge, options.acceptsPurgeMethod {
            guard endpoint.authorize(request) else { return Self.error("not allowed to purge", status: .forbidden) }
            guard let host = request.authority, !host.isEmpty, let path = request.path, path.hasPrefix("/") else {
                return Self.error("PURGE needs a host and a path", status: .badRequest)
            }
            return await purge(.url(host: host, pathAndQuery: path))
        }
        guard let target = request.path, target.prefix(while: { $0 != "?" }) == options.path else {
            return try await next.handle(request, context: context)
        }
        guard request.method == .post else {
            var refusal = Self.error("purges are POSTed to \(options.path)", status: .methodNotAllowed)
            refusal.headerFields[.allow] = "POST"
            return refusal
        }
        guard endpoint.authorize(request) else { return Self.error("not allowed to purge", status: .forbidden) }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: options.maxBodySize)
        } catch HTTPBodyError.tooLarge {
            return Self.error("a purge is at most \(options.maxBodySize) bytes", status: .contentTooLarge)
        }
        do {
            return await purge(try JSONDecoder().decode(PurgeScope.self, from: Data(body.readableBytesView)))
        } catch let error as DecodingError {
            return Self.error(Self.describe(error), status: .badRequest)
        }
    }

    private func purge(_ scope: PurgeScope) async -> Response {
        do {
            let epoch = try await endpoint.purger.purge(scope)
            return Self.json(Receipt(purged: scope, epoch: epoch.nanosecondsSinceEpoch), status: .ok)
        } catch {
            return Self.error("the purge failed: \(error)", status: .serviceUnavailable)
        }
    }

    /// What a purge answers.
    private struct Receipt: Encodable {
        var purged: PurgeScope
        var epoch: Int64
    }

    private static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        json(["error": message], status: status)
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and a scope always encode; an empty object would still be JSON.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headerFields: [.contentType: "application/json"],
            body: HTTPBody(ByteBuffer(bytes: data)))
    }

    /// A decoding error in words: which member, and what is wrong with it.
    private static func describe(_ error: DecodingError) -> String {
        func member(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the body" : "\"\(path.map(\.stringValue).joined(separator: "."))\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(member(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(member(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "the body is not a JSON object such as {\"purge\":\"url\",\"host\":\"example.com\",\"path\":\"/a\"}"
                : "\(member(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the body is not a purge"
        }
    }
}
