import HTTPTypes
import NIOCore
import NIOFileSystem
import ParapetCore

/// The handler a ``FileServer`` builds: resolves the request to a file under the root and answers it,
/// or hands the request on.
struct FileServingHandler: Handler {
    let root: String
    let options: FileServer.Options
    let next: any Handler

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        guard request.method == .get || request.method == .head, let requestPath = request.path,
            let target = FileServerPath(requestPath: requestPath),
            let real = resolve(target.segments), let info = try await info(real)
        else { return try await next.handle(request, context: context) }
        switch info.type {
        case .regular:
            return serve(real, info: info, request: request)
        case .directory:
            if !target.isDirectoryRequest, !target.segments.isEmpty {
                return Self.redirectToDirectory(requestPath)
            }
            for index in options.indexFiles {
                if let file = resolve(target.segments + [index]), let indexInfo = try await self.info(file),
                    indexInfo.type == .regular
                {
                    return serve(file, info: indexInfo, request: request)
                }
            }
            if options.listsDirectories {
                return try await DirectoryListing.response(for: real, requestPath: requestPath, method: request.method)
            }
            return try await next.handle(request, context: context)
        default:
            return try await next.handle(request, context: context)
        }
    }

    /// The real path of `segments` under the root, when it exists and does not leave the root.
    private func resolve(_ segments: [String]) -> String? {
        let candidate = segments.isEmpty ? root : root + "/" + segments.joined(separator: "/")
        guard let real = FileServer.realPath(candidate), real == root || real.hasPrefix(root == "/" ? "/" : root + "/")
        else { return nil }
        return real
    }

    private func info(_ path: String) async throws -> FileInfo? {
        try await FileSystem.shared.info(forFileAt: FilePath(path), infoAboutSymbolicLink: false)
    }

    /// `301` to the same path with a trailing slash, query kept.
    private static func redirectToDirectory(_ requestPath: String) -> Response {
        let parts = requestPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let location = parts[0] + "/" + (parts.count > 1 ? "?" + parts[1] : "")
        return Response(status: .movedPermanently, headerFields: [.location: String(location)])
    }

    private func serve(_ path: String, info: FileInfo, request: Request) -> Response {
        let validators = FileValidators(modified: Int64(info.lastDataModificationTime.seconds), size: info.size)
        var fields: HTTPFields = [
            .eTag: validators.etag, .lastModified: validators.lastModified, .acceptRanges: "bytes",
        ]
        let fieldsOfRequest = request.headerFields
        if validators.isNotModified(
            ifNoneMatch: fieldsOfRequest[.ifNoneMatch], ifModifiedSince: fieldsOfRequest[.ifModifiedSince])
        {
            return Response(status: .notModified, headerFields: fields)
        }
        fields[.contentType] = MediaTypes.contentType(forFileNamed: path)
        let rangeField = validators.allowsRange(ifRange: fieldsOfRequest[.ifRange]) ? fieldsOfRequest[.range] : nil
        let status: HTTPResponse.Status
        let range: ClosedRange<Int64>?
        switch ByteRangeRequest(field: rangeField, size: info.size) {
        case .whole:
            status = .ok
            range = info.size > 0 ? 0...(info.size - 1) : nil
        case .partial(let part):
            status = .partialContent
            range = part
            fields[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(info.size)"
        case .unsatisfiable:
            fields[.contentRange] = "bytes */\(info.size)"
            return Response(status: .rangeNotSatisfiable, headerFields: fields)
        }
        let length = range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
        if request.method == .head {
            fields[.contentLength] = String(length)
            return Response(status: status, headerFields: fields)
        }
        guard let range else { return Response(status: status, headerFields: fields) }
        let body = HTTPBody(stream: FileBytes(path: FilePath(path), range: range), length: Int(length))
        return Response(status: status, headerFields: fields, body: body)
    }
}
