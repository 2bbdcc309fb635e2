import HTTPTypes
import NIOCore
import ParapetCore

extension CachingHandler {
    /// A stored response as sent to the client: with its current `Age`, without the fields a qualified
    /// `no-cache` withholds until validation, and as a `304` when the client's condition holds.
    func serve(
        _ entry: CachedResponse, to request: Request, validated: Bool, status: CacheStatus
    ) -> CacheAnswer {
        var fields = entry.headerFields
        if !validated {
            for name in entry.control.fieldNames("no-cache") {
                if let name = HTTPField.Name(name) { fields[name] = nil }
            }
        }
        fields[.age] = String(entry.age.current(at: runtime.clock.now).wholeSeconds)
        if fields[.contentLength] == nil, entry.status.code != 204 {
            fields[.contentLength] = String(entry.body.readableBytes)
        }
        if entry.status.kind == .successful,
            ConditionalRequest.isNotModified(requestFields: request.headerFields, responseFields: fields)
        {
            return CacheAnswer(notModified(from: fields), status, isFromCache: true)
        }
        if request.method == .get, entry.status == .ok, let range = request.headerFields[.range],
            ConditionalRequest.allowsRange(ifRange: request.headerFields[.ifRange], responseFields: fields)
        {
            return CacheAnswer(part(of: entry.body, fields: fields, range: range), status, isFromCache: true)
        }
        let body = request.method == .head ? HTTPBody.empty : HTTPBody(entry.body)
        return CacheAnswer(Response(status: entry.status, headerFields: fields, body: body), status, isFromCache: true)
    }

    /// The `206` or `416` a `Range` field asks of a stored `200` (RFC 9110 §14), or the whole of it for a
    /// field the cache does not answer (several ranges, another unit).
    private func part(of body: ByteBuffer, fields: HTTPFields, range: String) -> Response {
        var fields = fields
        let size = body.readableBytes
        switch ByteRangeRequest(field: range, size: Int64(size)) {
        case .whole:
            return Response(status: .ok, headerFields: fields, body: HTTPBody(body))
        case .partial(let bytes):
            let (start, end) = (Int(bytes.lowerBound), Int(bytes.upperBound))
            fields[.contentRange] = "bytes \(start)-\(end)/\(size)"
            fields[.contentLength] = String(end - start + 1)
            let slice = body.getSlice(at: body.readerIndex + start, length: end - start + 1) ?? ByteBuffer()
            return Response(status: .partialContent, headerFields: fields, body: HTTPBody(slice))
        case .unsatisfiable:
            fields[.contentRange] = "bytes */\(size)"
            fields[.contentLength] = nil
            return Response(status: .rangeNotSatisfiable, headerFields: fields)
        }
    }

    /// `answer` from the origin, or a `304` when the client's own condition holds on it — the cache
    /// removed the client's conditions to ask on its own behalf. The body of a `304` is dropped unread;
    /// a response filling by its own task is stored all the same.
    func answeringConditional(_ answer: CacheAnswer, of request: Request) -> CacheAnswer {
        let fields = answer.response.headerFields
        guard answer.response.status.kind == .successful,
            ConditionalRequest.isNotModified(requestFields: request.headerFields, responseFields: fields)
        else { return answer }
        var notModified = answer
        notModified.response = self.notModified(from: fields)
        return notModified
    }

    /// Reads `body` to its end, for the copy being stored, giving up past ``Cache/Options/maxObjectSize``
    /// (the copy was abandoned by then); a body that fails is simply not stored.
    func drain(_ body: HTTPBody) async {
        var read = 0
        do {
            for try await chunk in body {
                read += chunk.readableBytes
                if read > options.maxObjectSize { return }
            }
        } catch {}
    }

    /// The `304` standing for a `200` with `fields`: the fields RFC 9110 §15.4.5 says it repeats, and `Age`.
    func notModified(from fields: HTTPFields) -> Response {
        var kept = HTTPFields()
        for field in fields where ConditionalRequest.notModifiedFields.contains(field.name) || field.name == .age {
            kept.append(field)
        }
        return Response(status: .notModified, headerFields: kept)
    }

    /// The `504` of `only-if-cached` when nothing stored may be served (RFC 9111 §5.2.1.7).
    func notCached() -> CacheAnswer {
        CacheAnswer(Response.error(.gatewayTimeout), CacheStatus(detail: "only-if-cached"))
    }

    /// The response of `answer`, saying what the cache did in `Cache-Status` (its `member`) and `X-Cache`.
    func stamped(_ answer: CacheAnswer, member: String) -> Response {
        var response = answer.response
        response.headerFields.append(HTTPField(name: .cacheStatus, value: member))
        if options.xCache { response.headerFields[.xCache] = answer.status.xCache }
        return response
    }
}
