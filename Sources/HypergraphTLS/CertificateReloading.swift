// Certificate rotation: a server reloads its certificate chain and key when the process receives SIGHUP.
// Connections that are open keep the certificate they started with, so none is dropped.
//
// Concurrency: the signal source runs its handler on a global Dispatch queue; `reload()` is thread-safe.
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TLSServerContext {
    /// Reloads the certificate files on every SIGHUP until the returned source is cancelled, telling `report` the
    /// outcome (nil after a successful reload; on failure the previous certificate stays in use).
    public func reloadOnHangUpSignal(report: @escaping @Sendable (TLSError?) -> Void) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { @Sendable [self] in
            do throws(TLSError) {
                try reload()
                report(nil)
            } catch {
                report(error)
            }
        }
        source.resume()
        return source
    }
}
