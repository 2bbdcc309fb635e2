import ParapetCore
public import ParapetSimulation
extension RequestTrace {
    /// Parses CSV: an optional `time_ms,target,status,latency_ms` header, then one request per line; blank lines
    /// and lines starting with `#` are skipped. Entries are sorted by time.
    ///
    /// - Throws: ``ScenarioError`` naming the file, line and column of the first bad field.
    public init(csv text: String, file: String = "<csv>") throws(ScenarioError) {
        var entries: [Entry] = []
        for (offset, line) in Self.lines(of: text).enumerated() {
            let number = offset + 1
            if line.trimmingCharacters(in: " \t").isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("time_ms") { continue }
            // Split on the comma scalar: a combining mark after a comma joins it into one Character, which
            // a split on Characters would not see as a separator.
            let fields = line.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map {
                String(Substring($0))
            }
            guard fields.count == 4 else {
                throw ScenarioError(
                    file: file, line: number, column: 1, field: "", kind: .syntax,
                    message: "expected 4 fields (time_ms,target,status,latency_ms), found \(fields.count)")
            }
            func failure(_ index: Int, _ message: String) -> ScenarioError {
                let column = fields[..<index].reduce(1) { $0 + $1.count + 1 }
                return ScenarioError(file: file, line: number, column: column, field: ["time_ms", "target", "status", "latency_ms"][index], kind: .invalidValue, message: message)
            }
            guard let time = Self.milliseconds(fields[0]) else { throw failure(0, "invalid time_ms \"\(fields[0])\": expected milliseconds ≥ 0") }
            guard let outcome = Outcome(text: fields[2].trimmingSpaces) else {
                throw failure(2, "invalid status \"\(fields[2])\": expected a status code or refused, reset, timeout, shed, unfinished")
            }
            guard let latency = Self.milliseconds(fields[3]) else {
                throw failure(3, "invalid latency_ms \"\(fields[3])\": expected milliseconds ≥ 0")
            }
            let target = fields[1].trimmingSpaces
            entries.append(Entry(time: time, target: target.isEmpty || target == "-" ? nil : target, outcome: outcome, latency: latency))
        }
        self.init(entries: Self.sorted(entries))
    }

    /// Parses JSON lines: one object per line with `time_ms`, `target` (a string or null), `status` (a string or
    /// a number) and `latency_ms`.
    ///
    /// - Throws: ``ScenarioError`` naming the file, line and column of the first bad field.
    public init(jsonLines text: String, file: String = "<jsonl>") throws(ScenarioError) {
        var entries: [Entry] = []
        for (offset, line) in Self.lines(of: text).enumerated() {
            if line.trimmingCharacters(in: " \t").isEmpty { continue }
            let number = offset + 1
            let node: ScenarioNode?
            do {
                node = try ScenarioNode.parseJSON(String(line), file: file)
            } catch {
                var located = error
                located.line = number
                throw located
            }
            guard case .mapping(let fields, _)? = node else {
                throw ScenarioError(file: file, line: number, column: 1, field: "", kind: .wrongType, message: "expected a JSON object")
            }
            func scalar(_ key: String) -> (String, SourcePosition)? {
                guard let entry = fields.first(where: { $0.key == key }), case .scalar(let text, let position, _) = entry.value else {
                    return nil
                }
                return (text, position)
            }
            func failure(_ key: String, _ message: String) -> ScenarioError {
                let column = fields.first { $0.key == key }?.value.position.column ?? 1
                return ScenarioError(file: file, line: number, column: column, field: key, kind: .invalidValue, message: message)
            }
            for field in fields where !["time_ms", "target", "status", "latency_ms"].contains(field.key) {
                throw ScenarioError(
                    file: file, line: number, column: field.keyPosition.column, field: field.key, kind: .unknownField,
                    message: "unknown field \"\(field.key)\" (expected one of: time_ms, target, status, latency_ms)")
            }
            guard let (timeText, _) = scalar("time_ms"), let time = Self.milliseconds(timeText) else {
                throw failure("time_ms", "missing or invalid time_ms: expected milliseconds ≥ 0")
            }
            guard let (statusText, _) = scalar("status"), let outcome = Outcome(text: statusText) else {
                throw failure("status", "missing or invalid status: expected a status code or refused, reset, timeout, shed, unfinished")
            }
            guard let (latencyText, _) = scalar("latency_ms"), let latency = Self.milliseconds(latencyText) else {
                throw failure("latency_ms", "missing or invalid latency_ms: expected milliseconds ≥ 0")
            }
            let target = fields.first { $0.key == "target" }.flatMap { entry -> String? in
                if case .scalar(let text, _, _) = entry.value, !entry.value.isNull { return text }
                return nil
            }
            entries.append(Entry(time: time, target: target, outcome: outcome, latency: latency))
        }
        self.init(entries: Self.sorted(entries))
    }

    /// The lines of `text`, ended by LF or CRLF. A Swift `Character` holds CRLF as one grapheme, which is not
    /// `"\n"`, so splitting on `"\n"` alone would leave a file written on Windows as one long line. A CR
    /// left at the very end (a file cut after it) is dropped too.
    private static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    private static func milliseconds(_ text: String) -> Duration? {
        guard let value = Double(text.trimmingSpaces), value.isFinite, value >= 0, value < 1e12 else { return nil }
        return .nanoseconds(Int64((value * 1_000_000).rounded()))
    }

    private static func sorted(_ entries: [Entry]) -> [Entry] {
        entries.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var view = self
        while let first = view.first, characters.contains(first) { view = view.dropFirst() }
        while let last = view.last, characters.contains(last) { view = view.dropLast() }
        return view
    }
}
