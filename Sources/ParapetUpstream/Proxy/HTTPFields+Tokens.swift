import HTTPTypes

extension HTTPFields {
    /// The comma-separated tokens of every `name` field, lower-cased and trimmed, empty ones dropped
    /// (`Connection: keep-alive, Upgrade` gives `["keep-alive", "upgrade"]`).
    func tokens(_ name: HTTPField.Name) -> [String] {
        self[values: name].flatMap { value in
            value.split(separator: ",").compactMap { element -> String? in
                var token = element
                while let first = token.first, first == " " || first == "\t" { token = token.dropFirst() }
                while let last = token.last, last == " " || last == "\t" { token = token.dropLast() }
                return token.isEmpty ? nil : token.lowercased()
            }
        }
    }
}
