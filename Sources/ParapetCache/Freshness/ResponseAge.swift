public import HTTPTypes
public import ParapetCore

/// How old a stored response is: RFC 9111 §4.2.3's corrected initial age, fixed when the response
/// arrives, plus the time it has since spent in the cache.
///
/// The initial age takes the larger of the apparent age (the wall clock at arrival minus the response's
/// `Date`) and the `Age` the response came with plus the time the exchange took (the response delay, on
/// the monotonic clock); the time in the cache is read on the monotonic clock, so a wall clock stepped
/// by NTP cannot make an entry younger.
///
/// ```swift
/// let age = ResponseAge(fields: response.headerFields, requestSent: sent, responseReceived: received,
///                       receivedAtWallTime: wallClock.now)
/// age.current(at: clock.now)   // the `Age` to send with a hit
/// ```
public struct ResponseAge: Sendable, Hashable {
    /// The corrected initial age: how old the response was when it arrived.
    public var initial: Duration
    /// When it arrived, on the monotonic clock.
    public var receivedAt: MonotonicInstant
    /// When it arrived, on the wall clock: what purges are compared with, and what a store that outlives
    /// the process keeps instead of ``receivedAt``.
    public var receivedAtWallTime: WallInstant

    /// The age of a response whose request was sent at `requestSent` and whose head arrived at
    /// `responseReceived` (monotonic), `receivedAtWallTime` on the wall clock.
    public init(
        fields: HTTPFields, requestSent: MonotonicInstant, responseReceived: MonotonicInstant,
        receivedAtWallTime: WallInstant
    ) {
        let ageValue = Self.ageField(fields) ?? .zero
        let apparentAge =
            fields[.date].flatMap(WallInstant.init(httpDate:)).map {
                max(.zero, receivedAtWallTime.sinceEpoch - $0.sinceEpoch)
            } ?? .zero
        let responseDelay = max(.zero, responseReceived.offset - requestSent.offset)
        initial = max(apparentAge, ageValue + responseDelay)
        receivedAt = responseReceived
        self.receivedAtWallTime = receivedAtWallTime
    }

    /// An age known from an earlier run: `initial` on arrival at `receivedAtWallTime`, placed on this run's
    /// monotonic clock by the wall-clock time since. A wall clock stepped back counts as no time passed.
    public init(initial: Duration, receivedAtWallTime: WallInstant, now: MonotonicInstant, wallNow: WallInstant) {
        self.initial = initial
        self.receivedAtWallTime = receivedAtWallTime
        let elapsed = max(.zero, wallNow.sinceEpoch - receivedAtWallTime.sinceEpoch)
        receivedAt = MonotonicInstant(offset: now.offset - elapsed)
    }

    /// The age at `now` on the monotonic clock.
    public func current(at now: MonotonicInstant) -> Duration {
        initial + max(.zero, now.offset - receivedAt.offset)
    }

    /// The `Age` field's value: the first member of its first line when that is delta-seconds, else
    /// `nil` — a value that is not a number says nothing about the age.
    static func ageField(_ fields: HTTPFields) -> Duration? {
        guard let line = fields[values: .age].first,
            let first = line.split(separator: ",", omittingEmptySubsequences: false).first
        else { return nil }
        return DeltaSeconds(String(first.trimmingWhitespace)).duration
    }
}

extension Duration {
    /// Whole seconds, rounded toward negative infinity: how `Age` and `ttl` are written, so a response
    /// stale by half a second says `ttl=-1`, not `ttl=0`.
    var wholeSeconds: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds < 0 ? seconds - 1 : seconds
    }
}
