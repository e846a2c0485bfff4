'use strict';
exports.handle = () => {
  const hoard = [];
  for (;;) hoard.push(new Array(100000).fill({ x: Math.random() }));
};
