public import Logging
import Synchronization

/// The access-log record of one request, shared by every middleware that handles it, so inner ones can
/// add what only they know — the upstream target that served, the request id — to the one line an
/// outer access log writes when the response ends.
///
/// The access-log middleware puts a record on the context; any middleware inside it annotates through
/// ``RequestContext/accessLog`` (a no-op when no access log is mounted).
///
/// ```swift
/// context.accessLog?.set("cacheStatus", "hit")
/// context.accessLog?.disable()        // this request writes no line (a health check, say)
/// ```
public final class AccessLogRecord: Sendable {
    private let state = Mutex<(fields: Logger.Metadata, isDisabled: Bool)>(([:], false))

    /// Creates an empty record.
    public init() {}

    /// Adds (or replaces) the field `key`.
    public func set(_ key: String, _ value: Logger.MetadataValue) {
        state.withLock { $0.fields[key] = value }
    }

    /// The fields inner middlewares added.
    public var fields: Logger.Metadata {
        state.withLock { $0.fields }
    }

    /// Suppresses this request's line.
    public func disable() {
        state.withLock { $0.isDisabled = true }
    }

    /// Whether the line is suppressed.
    public var isDisabled: Bool {
        state.withLock { $0.isDisabled }
    }

    /// The key the record is stored under in ``RequestValues``.
    public enum Key: RequestValueKey {
        public typealias Value = AccessLogRecord
    }
}

extension RequestContext {
    /// The access-log record of this request, when an access log is mounted outside the caller.
    public var accessLog: AccessLogRecord? {
        values[AccessLogRecord.Key.self]
    }
}
