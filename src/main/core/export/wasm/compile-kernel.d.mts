/** Compiles format-kernel.as.ts with AssemblyScript; returns the WebAssembly bytes. */
export function compileKernel(): Buffer
/** The generated TypeScript module holding those bytes as base64. */
export function moduleText(bytes: Buffer): string
