public import HTTPTypes
public import NIOCore
public import ParapetCore

/// A response as the cache keeps it: status, header fields without hop-by-hop ones, the whole body, how
/// old it was on arrival and how long it stays fresh, and the request fields it was selected by.
public struct CachedResponse: Sendable {
    /// The status.
    public let status: HTTPResponse.Status
    /// The header fields to send with it (`Age` is computed when served).
    public let headerFields: HTTPFields
    /// The complete body.
    public package(set) var body: ByteBuffer
    /// How old it was when it arrived, and when that was.
    public let age: ResponseAge
    /// How long it stays fresh, counted from its initial age.
    public let freshnessLifetime: Duration
    /// The request's values of the fields its `Vary` names; the variant it is.
    public let variant: Variant
    /// The directives it was stored with (see ``CacheControl/init(response:targets:)``), parsed once.
    public let control: CacheControl
    /// Its surrogate keys (`Cache-Tag`, `Surrogate-Key`): the tags a purge by tag names.
    public let tags: [String]

    /// Creates an entry.
    public init(
        status: HTTPResponse.Status, headerFields: HTTPFields, control: CacheControl, body: ByteBuffer,
        age: ResponseAge, freshnessLifetime: Duration, variant: Variant, tags: [String] = []
    ) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
        self.age = age
        self.freshnessLifetime = freshnessLifetime
        self.variant = variant
        self.control = control
        self.tags = tags
    }

    /// How long it stays fresh after `now` (negative once stale).
    public func remainingFreshness(at now: MonotonicInstant) -> Duration {
        freshnessLifetime - age.current(at: now)
    }

    /// The bytes the entry takes, roughly: body, field names and values, and a fixed overhead per field
    /// and per entry. Stores budget with it.
    public var cost: Int {
        var cost = 256 + body.readableBytes
        for field in headerFields { cost += 32 + field.name.rawName.utf8.count + field.value.utf8.count }
        for field in variant.fields { cost += 32 + field.name.utf8.count + (field.value?.utf8.count ?? 0) }
        for tag in tags { cost += 16 + tag.utf8.count }
        return cost
    }
}
