import HTTPTypes
import NIOCore
import ParapetCore
import Synchronization

/// An origin for the cache to sit in front of: it answers with what the test scripts, and records every
/// request that reached it.
final class Origin: Sendable {
    typealias Answer = @Sendable (Request, Int) async throws -> Response

    private let answer: Answer
    private let seen = Mutex<[HTTPRequest]>([])

    /// An origin answering the `n`th request (from 1) with `answer(request, n)`.
    init(_ answer: @escaping Answer) {
        self.answer = answer
    }

    /// An origin always answering `200` with `body` and `fields`.
    convenience init(_ fields: HTTPFields, body: String = "origin body") {
        self.init { _, _ in Response(status: .ok, headerFields: fields, body: HTTPBody(string: body)) }
    }

    /// The requests that reached the origin, in order.
    var requests: [HTTPRequest] { seen.withLock { $0 } }

    var endpoint: Endpoint {
        Endpoint { request, _ in
            let count = self.seen.withLock {
                $0.append(request.head)
                return $0.count
            }
            return try await self.answer(request, count)
        }
    }
}
