#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let status = await Tool.main(CommandLine.arguments)
Terminal.output.flush()
exit(status)
