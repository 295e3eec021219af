// The app's page with the benchmarks' frame probe installed first: built by app-page.ts for
// `npm run bench` only, so the product bundle holds none of it.
import './bench-probe'
import '../../src/renderer/src/main.tsx'
