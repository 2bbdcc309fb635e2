// `Link` fields as EarlyHints.preload reads them (LinkValues): every link-value kept is a piece of the input,
// is well-formed, names preload or preconnect, and splitting the links joined again gives the same links.
import FuzzSupport

@testable import ParapetMiddleware

fuzz { raw in
    let input = FuzzInput(raw)
    let field = input.remainingText
    let hints = LinkValues.earlyHints(in: [field])
    for link in hints {
        precondition(field.contains(link), "\(link) is not in the field")
        precondition(LinkValues.isWellFormed(link), "\(link) kept but malformed")
        precondition(LinkValues.isEarlyHint(link), "\(link) kept but no hint")
    }
    let rejoined = hints.joined(separator: ", ")
    let again = LinkValues.earlyHints(in: [rejoined])
    precondition(again == hints, "\(hints) split again as \(again)")
}
