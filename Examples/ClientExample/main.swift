import HypergraphClient

// An identity as `hypergraph identity create` prints it, saved as alice.json; the server URL may be an argument.
let alice = try HypergraphIdentity.list(contentsOfFile: "alice.json")[0]
let url = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "ws://127.0.0.1:3030"
let writer = try await HypergraphClient.connect(url: url, token: alice.sessionToken)
// A second connection of the same account, as from Alice's other device.
let reader = try await HypergraphClient.connect(url: url, token: alice.sessionToken)

let space = try await writer.createSpace(alice.createSpaceEvent(name: "Notes"))
let snapshot = try await reader.subscribe(spaceId: space.id)
print("subscribed to \(snapshot.name), \(snapshot.events.count) space event so far")

// Servers store updates without reading them; a real app sends its CRDT change encrypted with the space key.
let change = Array("hello".utf8)
let confirmed = try await writer.createUpdate(alice.createUpdate(spaceId: space.id, update: change))
print("stored at clock \(confirmed.clock)")

// `events` holds broadcasts and anything no request helper claimed, in arrival order.
for await event in reader.events {
    if case .message(.updatesNotification(let notification)) = event {
        print("the other device received \(notification.updates.updates.count) update")
        break
    }
}
await writer.close()
await reader.close()
