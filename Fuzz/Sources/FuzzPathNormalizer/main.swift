// The request-path normaliser (RequestPathRules), differentially: for any target and rules, routing and
// forwarding agree — the Upstream's rewritten target is the normal form, normalising it again changes
// nothing, a Location prefix matches both alike, and an independent model (split on "/" first, then each
// segment's escapes, then dot segments) accepts and rejects the same targets and gives the same path.
import FuzzSupport
import ParapetCore

@testable import ParapetMiddleware
@testable import ParapetUpstream

/// The model: the same rules applied in another order — split on "/" first, then each segment's escapes,
/// then dot segments; `nil` when it refuses.
func modelPath(_ path: Substring, _ rules: RequestPathRules) -> String? {
    var kept: [String] = []
    var endsAsDirectory = false
    for segment in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
        guard let normal = modelSegment(Array(segment), rules) else { return nil }
        endsAsDirectory = normal.isEmpty || normal == "." || normal == ".."
        switch normal {
        case "", ".": continue
        case "..": _ = kept.popLast()
        default:
            if let semicolon = normal.firstIndex(of: ";"), [".", ".."].contains(normal[..<semicolon]) { return nil }
            kept.append(normal)
        }
    }
    let joined = "/" + kept.joined(separator: "/")
    return endsAsDirectory && !kept.isEmpty ? joined + "/" : joined
}

let hexDigits = Array("0123456789ABCDEF".utf8)
let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
let subDelimiters = Set("!$&'()*+,=:@".utf8)

/// One segment with its escapes normalised, or `nil` when the rules refuse it.
func modelSegment(_ bytes: [UInt8], _ rules: RequestPathRules) -> String? {
    var output: [UInt8] = []
    var previous = UInt8(ascii: "/")
    var index = 0
    while index < bytes.count {
        var byte = bytes[index]
        let isEscaped = byte == UInt8(ascii: "%")
        if isEscaped {
            func hexValue(_ digit: UInt8) -> Int? {
                hexDigits.firstIndex(of: (0x61...0x66).contains(digit) ? digit - 0x20 : digit)
            }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            else { return nil }
            byte = UInt8(high << 4 | low)
            index += 3
        } else {
            index += 1
        }
        let overlong: ClosedRange<UInt8>? =
            switch previous {
            case 0xC0, 0xC1: 0x80...0xBF
            case 0xE0: 0x80...0x9F
            case 0xF0: 0x80...0x8F
            default: nil
            }
        if overlong?.contains(byte) == true || byte == 0 { return nil }
        previous = byte
        if byte == UInt8(ascii: "\\") || (isEscaped && byte == UInt8(ascii: "/")) {
            guard rules.encodedSlashes == .keepAsData else { return nil }
        } else if byte == UInt8(ascii: ";") && !isEscaped {
            guard rules.semicolons == .keepAsData else { return nil }
            output.append(byte)
            continue
        } else if unreserved.contains(byte) || (!isEscaped && subDelimiters.contains(byte)) {
            output.append(byte)
            continue
        }
        output += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
    }
    return String(decoding: output, as: UTF8.self)
}

/// `target` without a `?` that starts an empty query.
func withoutEmptyQuery(_ target: String) -> String {
    let (path, query) = RequestPath.split(target)
    return query?.isEmpty == false ? target : String(path)
}

let root = try! UpstreamPath(validating: "/")

fuzz { raw in
    var input = FuzzInput(raw)
    let flags = input.integer(UInt8.self)
    let prefixSegments = Int(input.integer(UInt8.self) % 4)
    let rules = RequestPathRules(
        encodedSlashes: flags & 1 == 0 ? .reject : .keepAsData, semicolons: flags & 2 == 0 ? .reject : .keepAsData)
    let text = input.remainingText
    let target = flags & 4 == 0 ? "/" + text : text

    let normal = try? rules.normalizedTarget(target)
    let forwarded = try? root.rewrite(target, rules: rules)
    let path = RequestPath.split(target).path
    let matched = try? RequestPath.normalized(target, rules: rules)
    guard target.utf8.first == UInt8(ascii: "/") else {
        // No route matches a target that is not a path, so nothing may forward it: only `*` passes.
        precondition(
            target == "*" ? normal == target && forwarded != nil : normal == nil && forwarded == nil,
            "a non-path target was let through: \(target.debugDescription)")
        return
    }
    // Every consumer refuses the same targets.
    precondition(
        (normal == nil) == (forwarded == nil), "normaliser and upstream disagree on refusing \(target.debugDescription)"
    )
    precondition(
        (normal == nil) == (matched == nil), "normaliser and location disagree on refusing \(target.debugDescription)")
    let model = modelPath(path, rules)
    guard let normal, let forwarded, let matched else {
        precondition(model == nil, "refused, but the model accepts \(target.debugDescription)")
        return
    }
    // What is forwarded is the normal form (an empty query may be dropped), and normalising it again
    // changes nothing.
    precondition(
        forwarded == withoutEmptyQuery(normal),
        "forwarded \(forwarded) but routed \(normal) for \(target.debugDescription)")
    precondition((try? rules.normalizedTarget(normal)) == normal, "not idempotent: \(target.debugDescription)")
    let normalPath = RequestPath.split(normal).path
    precondition(matched == normalPath, "location compared \(matched), forwarded \(normalPath)")
    precondition(
        model == String(normalPath), "model \(model ?? "refuses") for \(normalPath) from \(target.debugDescription)")
    // The normal path holds no empty or dot segment (but a trailing slash) and only pchar bytes and escapes.
    let segments = normalPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    for (index, segment) in segments.enumerated() {
        precondition(segment != "." && segment != "..", "dot segment left in \(normalPath)")
        precondition(!segment.isEmpty || index == segments.count - 1, "empty segment left in \(normalPath)")
    }
    precondition(normalPath.utf8.allSatisfy { RequestPathRules.isRawPathByte($0) || $0 == UInt8(ascii: "%") })
    // A Location prefix taken from the path matches the routed and the forwarded path alike.
    let prefix = "/" + segments.prefix(prefixSegments).joined(separator: "/")
    if let configured = RequestPath.configured(prefix) {
        let forwardedPath = (try? rules.normalizedPath(RequestPath.split(forwarded).path)) ?? ""
        precondition(
            PathRule.prefix(configured).matches(matched) == PathRule.prefix(configured).matches(forwardedPath),
            "prefix \(prefix) matches one of \(matched) and \(forwardedPath) only")
    }
}
