print('unicode file name')
