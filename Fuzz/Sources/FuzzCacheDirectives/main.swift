// The cache's field parsers: `Cache-Control` lines (CacheControl), delta-seconds, `Age`, entity-tag lists
// and `Vary`. Directive names come out as unique lowercase tokens, and directives written back in
// canonical form parse to the same list; delta-seconds stay within 0…2³¹; entity tags hold no quote; a
// request always selects the variant it made unless `Vary` has `*`; a Structured Field Dictionary
// (targeted fields, RFC 9213) has lowercase keys, each once.
import FuzzSupport
import HTTPTypes

@testable import ParapetCache

fuzz { raw in
    var input = FuzzInput(raw)
    let lines = input.remainingText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    let control = CacheControl(lines: lines)
    var names: Set<String> = []
    for directive in control.directives {
        precondition(!directive.name.isEmpty, "empty name")
        precondition(directive.name.utf8.allSatisfy(ListScanner.isTokenByte), "name \(directive.name)")
        precondition(directive.name == directive.name.lowercased(), "name not lowercased")
        precondition(names.insert(directive.name).inserted, "duplicate \(directive.name)")
        if case .valid(let seconds) = control.seconds(directive.name) {
            precondition((0...DeltaSeconds.cap).contains(seconds), "seconds \(seconds)")
        }
    }
    let canonical = control.directives.map { directive in
        guard let argument = directive.argument else { return directive.name }
        // Scalars, not Characters: a prepended mark (U+06DD) and the quote after it are one Character.
        var quoted = "\""
        for scalar in argument.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return directive.name + "=" + quoted + "\""
    }.joined(separator: ", ")
    let reparsed = CacheControl(lines: [canonical])
    precondition(reparsed == control, "canonical form \(canonical) parsed differently")

    if let dictionary = StructuredDictionary(lines: lines) {
        let keys = dictionary.members.map(\.key)
        precondition(Set(keys).count == keys.count, "repeated key in \(keys)")
        precondition(keys.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() }, "key \(keys)")
    }
    var targeted = HTTPFields()
    for line in lines { targeted.append(HTTPField(name: .cdnCacheControl, value: line)) }
    _ = CacheControl(response: targeted, targets: [.cdnCacheControl])

    for line in lines {
        for tag in EntityTag.list(line) where !tag.isWildcard {
            precondition(!tag.opaque.contains("\""), "tag \(tag.opaque)")
        }
    }

    var fields = HTTPFields()
    for (index, line) in lines.enumerated() {
        let name: HTTPField.Name = [.age, .vary, .acceptLanguage, .ifNoneMatch, .eTag][index % 5]
        fields.append(HTTPField(name: name, value: line))
    }
    if let age = ResponseAge.ageField(fields) {
        precondition(age >= .zero && age <= .seconds(DeltaSeconds.cap), "age \(age)")
    }
    let variant = Variant(vary: fields, request: fields)
    precondition(variant.isWildcard || variant.matches(fields), "a request does not select its own variant")
    _ = ConditionalRequest.isNotModified(requestFields: fields, responseFields: fields)
}
