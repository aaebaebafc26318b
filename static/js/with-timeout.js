// A promise that settles as `promise` does, or rejects with `timeoutError()` after `ms`.
// One copy for the service worker (which loads it with importScripts) and the pages (push.js):
// a classic script that puts its function on `self`, as both can load that.
/* exported hipdayWithTimeout */
"use strict";

self.hipdayWithTimeout = function hipdayWithTimeout(promise, ms, timeoutError) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
};
