// Hand-written code lives next to Generated/ and extends the generated types.

extension NoteRequest {
    /// One line for a log: the request type and the notes it concerns.
    public var summary: String {
        switch self {
        case .postNote(let request): "post-note \(request.note.id) \"\(request.note.title)\""
        case .deleteNote(let request): "delete-note \(request.ids.joined(separator: ", "))"
        case .unknown(let type, _): "\(type) (not known to this version)"
        }
    }
}
