// electron-vite copies a file imported with `?asset` next to the built main process and gives
// its path at run time.
declare module '*?asset' {
  const path: string;
  export default path;
}
