import Foundation

/// One output file: its path (relative to the folder the run resolves paths from, or absolute) and its contents.
struct GeneratedFile: Equatable {
    var path: String
    var contents: String
}

/// How the files on disk differ from what the generator produces.
enum Staleness: Equatable, CustomStringConvertible {
    /// The file should exist but does not.
    case missing(String)
    /// The file exists with other contents.
    case changed(String)
    /// A file in a generated folder that the generator no longer produces.
    case unexpected(String)

    /// The path concerned.
    var path: String {
        switch self {
        case .missing(let path), .changed(let path), .unexpected(let path): path
        }
    }

    /// What was wrong with the file: `missing`, `out of date` or `no longer generated`.
    var summary: String {
        switch self {
        case .missing: "missing"
        case .changed: "out of date"
        case .unexpected: "no longer generated"
        }
    }

    var description: String {
        "\(path): \(summary)"
    }
}

/// Stage 4 of the pipeline: compares the generated files with the repository, or writes them.
struct GeneratedOutput {
    /// Everything the generator produces.
    var files: [GeneratedFile]
    /// Folders (relative to the root, or absolute) that hold only generated files; anything else in them is stale.
    var generatedFolders: [String]

    /// The differences between `files` and what is on disk, relative paths taken from `root`, sorted by path.
    func staleness(root: URL) -> [Staleness] {
        var result: [Staleness] = []
        for file in files {
            let url = Self.location(of: file.path, root: root)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                result.append(.missing(file.path))
                continue
            }
            if data != Data(file.contents.utf8) { result.append(.changed(file.path)) }
        }
        let expected = Set(files.map(\.path))
        for folder in generatedFolders {
            let names =
                (try? FileManager.default.contentsOfDirectory(atPath: Self.location(of: folder, root: root).path)) ?? []
            for name in names.sorted() where !expected.contains("\(folder)/\(name)") {
                result.append(.unexpected("\(folder)/\(name)"))
            }
        }
        return result.sorted { $0.path < $1.path }
    }

    /// Brings the files up to date (relative paths taken from `root`): writes missing and changed files, removes
    /// files the generator no longer produces. Returns what was stale.
    func write(root: URL) throws -> [Staleness] {
        let stale = staleness(root: root)
        let contents = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) })
        for item in stale {
            let url = Self.location(of: item.path, root: root)
            switch item {
            case .missing(let path), .changed(let path):
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data((contents[path] ?? "").utf8).write(to: url)
            case .unexpected:
                try FileManager.default.removeItem(at: url)
            }
        }
        return stale
    }

    /// Where `path` is: itself when absolute, otherwise below `root`.
    static func location(of path: String, root: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }
}
