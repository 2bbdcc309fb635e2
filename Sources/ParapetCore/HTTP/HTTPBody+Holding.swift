import NIOCore

/// Something a response body holds until the client has it: a balancer's connection slot, a rate
/// limiter's concurrency permit. ``release()`` runs when the body's stream ends or fails; a body dropped
/// unread releases it through the holder's own deinitializer, so `release()` must be safe to call more
/// than once.
///
/// ```swift
/// final class Slot: BodyHeldResource {
///     func release() { /* give the slot back, once */ }
///     deinit { release() }
/// }
/// response.body = response.body.holding(slot)
/// ```
public protocol BodyHeldResource: AnyObject, Sendable {
    /// Gives the resource back; later calls do nothing.
    func release()
}

extension HTTPBody {
    /// This body, holding `resource` until it has been read to its end, has failed, or is dropped.
    ///
    /// A body in memory has been produced in full, so the resource is released at once and the body is
    /// returned unchanged (still replayable). Length and trailers are kept.
    public func holding(_ resource: some BodyHeldResource) -> HTTPBody {
        guard !isReplayable else {
            resource.release()
            return self
        }
        return HTTPBody(stream: ResourceHoldingChunks(base: self, resource: resource), length: knownLength, trailers: trailers)
    }
}

/// The chunks of a streamed body, releasing a resource when the stream ends or fails.
struct ResourceHoldingChunks<Resource: BodyHeldResource>: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let base: HTTPBody
    let resource: Resource

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), resource: resource)
    }

    struct Iterator: AsyncIteratorProtocol {
        typealias Element = ByteBuffer
        typealias Failure = any Error

        var base: HTTPBody.AsyncIterator
        let resource: Resource

        mutating func next() async throws -> ByteBuffer? {
            do {
                guard let chunk = try await base.next() else {
                    resource.release()
                    return nil
                }
                return chunk
            } catch {
                resource.release()
                throw error
            }
        }
    }
}
