extension StringProtocol {
    /// The text without the spaces and tabs around it: what RFC 9110 calls optional whitespace, around
    /// field values and list members.
    package var trimmingWhitespace: Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
