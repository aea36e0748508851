let maxLag = 0; let last = performance.now(); const lags: number[] = [];
const iv = setInterval(() => { const n = performance.now(); lags.push(n - last - 5); maxLag = Math.max(maxLag, n - last - 5); last = n; }, 5);
setTimeout(() => { clearInterval(iv); lags.sort((a,b)=>a-b); console.log("idle: max lag", maxLag.toFixed(1), "p99", lags[Math.floor(lags.length*0.99)].toFixed(1)); }, 8000);
