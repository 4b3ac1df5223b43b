// Decodes, validates and encodes the sample messages through HypergraphCodec, checking every result; prints one
// line per check and exits with status 1 when any check fails.
import Foundation
import HypergraphCodec
import SampleMessages

nonisolated(unsafe) var failures = 0

/// Prints the outcome of one check and counts failures.
func check(_ condition: Bool, _ what: String, _ detail: @autoclosure () -> String = "") {
    print("\(condition ? "ok  " : "FAIL") \(what)\(condition ? "" : ": " + detail())")
    if !condition { failures += 1 }
}

/// The issues of a document that must not decode, as `path: message` lines (empty when it decoded).
func issues<Value: WireCodable>(_ json: String, as type: Value.Type, options: DecodingOptions = DecodingOptions())
    -> [String]
{
    do {
        _ = try Value(json: json, options: options)
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

// A message using every construct: formats, enums (closed, open, inline), a map, optional arrays, a nested union,
// bytes and a timestamp. Member order and spellings differ from the canonical form on purpose.
let post = """
    {"note": {"title": "Groceries", "id": "n-0000beef", "createdAt": "2025-06-30T14:34:56.789+02:00",
              "color": "green", "visibility": "team", "mood": "calm", "priority": 2, "weight": 0.5, "pinned": true,
              "tags": ["home", "food"], "counters": {"views": 3},
              "attachments": [{"kind": "link", "url": "https://example.org/list"},
                              {"width": 2, "height": 1, "kind": "image", "data": [137, 80]},
                              {"kind": "video", "seconds": 3}]},
     "type": "post-note"}
    """
let canonical =
    #"{"type":"post-note","note":{"id":"n-0000beef","title":"Groceries","createdAt":"2025-06-30T12:34:56.789Z","#
    + #""color":"green","visibility":"team","mood":"calm","priority":2,"weight":0.5,"pinned":true,"#
    + #""tags":["home","food"],"counters":{"views":3},"attachments":[{"kind":"link","url":"https://example.org/list"},"#
    + #"{"kind":"image","data":{"__type":"Uint8Array","data":[137,80]},"width":2,"height":1},"#
    + #"{"kind":"video","seconds":3}]}}"#

do {
    let request = try NoteRequest(json: post)
    check(request.summary == #"post-note n-0000beef "Groceries""#, "decodes a post-note", request.summary)
    if case .postNote(let message) = request {
        let note = message.note
        check(note.createdAt == Timestamp(iso8601: "2025-06-30T12:34:56.789Z"), "timestamp offset converted to UTC")
        check(
            note.visibility == .unknown("team"), "open enum keeps an unknown value",
            "\(String(describing: note.visibility))")
        check(note.color == .green, "closed enum")
        check(note.attachments?.count == 3, "optional array of a nested union")
        if case .image(let image)? = note.attachments?[1] {
            check(image.data == Bytes([137, 80]), "bytes from a bare array")
        } else {
            check(false, "second attachment is an image")
        }
        if case .unknown(let kind, _)? = note.attachments?[2] {
            check(kind == "video", "unknown union kind kept as raw JSON")
        } else {
            check(false, "third attachment is unknown")
        }
    } else {
        check(false, "decodes as postNote", "\(request)")
    }
    check(request.jsonString() == canonical, "encodes the canonical form", request.jsonString())
    check(try NoteRequest(jsonUTF8: request.jsonUTF8()) == request, "canonical form decodes to the same value")
    check(request.validationIssues.isEmpty, "valid value has no issues", "\(request.validationIssues)")

    // Foundation's Codable gives the same value.
    let viaCodable = try JSONDecoder().decode(NoteRequest.self, from: Data(post.utf8))
    check(viaCodable == request, "JSONDecoder agrees with the wire codec")
    let reencoded = try JSONDecoder().decode(NoteRequest.self, from: JSONEncoder().encode(request))
    check(reencoded == request, "JSONEncoder round trip")
} catch {
    check(false, "valid post-note decodes", "\(error)")
}

// Every problem is reported, each at its path.
let broken = """
    {"type": "post-note", "note": {"id": "N-1", "title": "", "createdAt": "2025-06-30T12:00:00", "color": "purple",
     "mood": "angry", "priority": 9, "weight": 2, "pinned": null, "tags": ["ok", "Not-OK"],
     "counters": {"views": -1}, "attachments": [{"kind": "image", "data": [1], "width": 0, "height": 1},
     {"kind": "link", "url": "http://example.org"}]}}
    """
// Decoding reports what it finds while reading (JSON types, closed enums, unions), then the constraints.
let expectedIssues = [
    #"$.note.createdAt: expected an ISO-8601 timestamp such as "2025-06-30T12:34:56.789Z", got string "2025-06-30T12:00:00""#,
    #"$.note.color: expected one of "red", "green", "blue", got string "purple""#,
    "$.note.pinned: expected boolean, got null (an absent optional member must be omitted, not null)",
    "$.note.attachments[0].width: expected integer 1...8192, got 0",
    #"$.note.attachments[1].url: expected https:// followed by letters, digits and /._~%-, got "http://example.org""#,
    #"$.note.id: expected n- followed by 8 lowercase hexadecimal digits, got "N-1""#,
    "$.note.title: expected at least 1 character, got 0",
    #"$.note.mood: expected one of "calm", "busy", got "angry""#,
    "$.note.priority: expected integer 0...5, got 9",
    "$.note.weight: expected number 0.0...1.0, got 2.0",
    #"$.note.tags[1]: expected a string matching ^[a-z]+$, got "Not-OK""#,
    "$.note.counters.views: expected integer >= 0, got -1",
]
let found = issues(broken, as: NoteRequest.self)
check(
    found.count == expectedIssues.count, "broken post-note: \(expectedIssues.count) issues",
    found.joined(separator: "\n"))
for (issue, expected) in zip(found, expectedIssues) {
    check(issue == expected, "reports \(expected)", issue)
}

// Unknown request types: skipped by default, rejected by strict options.
let future = #"{"type": "archive-note", "id": "n-00000001"}"#
check((try? NoteRequest(json: future))?.type == "archive-note", "unknown type decodes as unknown")
check(
    issues(future, as: NoteRequest.self, options: DecodingOptions(acceptsUnknownTypes: false)).first?.hasPrefix(
        #"$.type: unknown type "archive-note""#) == true, "strict options reject an unknown type")

// A value built in Swift is validated with `validationIssues`.
let delete = DeleteNoteRequest(ids: [], reason: String(repeating: "x", count: 201))
check(
    delete.validationIssues.map(\.path.description) == ["$.ids", "$.reason"], "validation of a built value",
    "\(delete.validationIssues)")
check((try? delete.validate()) == nil, "validate() throws for an invalid value")
let ok = NoteRequest.deleteNote(DeleteNoteRequest(ids: ["n-00000001", "n-00000002"]))
check(
    ok.jsonString() == #"{"type":"delete-note","ids":["n-00000001","n-00000002"]}"#, "encodes a delete-note",
    ok.jsonString())

print(failures == 0 ? "all checks passed" : "\(failures) checks failed")
exit(failures == 0 ? 0 : 1)
