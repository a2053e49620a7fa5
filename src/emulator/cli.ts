// `npm run emulator`: the offline Gemini Live server is not built yet (see the emulator issue).
console.error('The Live API emulator is not built yet: `npm run emulator` will start it once it lands.');
process.exitCode = 1;
