// Next's ambient types. The generated next-env.d.ts also imports build output (.next/types),
// so it is git-ignored and this stands in for it: `npm run check` works before any build.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
