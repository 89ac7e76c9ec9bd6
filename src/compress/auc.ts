/** The area under the ROC curve, the ranking metric of the classifiers' reports. */
import { SlimfitError } from '../errors.js';
import { toVector } from '../validate.js';

/** AUC by the rank-sum (Mann-Whitney) statistic, ties counted half. Scores finite, y 0 or 1, one per score. */
export function auc(scoreIn: ArrayLike<number>, yIn: ArrayLike<number>): number {
  const score = toVector(scoreIn, 'score');
  const y = toVector(yIn, 'y', score.length);
  for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) throw new SlimfitError('E_RANGE', `y[${i}] = ${y[i]}; AUC needs outcomes 0 or 1`, { index: i });
  const idx = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]] === score[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[idx[k]] === 1) {
        rankSumPos += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) throw new SlimfitError('E_RANGE', 'AUC needs both classes (0 and 1) in ytest');
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
